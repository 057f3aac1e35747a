/**
 * What every plugin kind shares: {@link dev.heed.core.plugin.Provider} (name, priority,
 * availability, a declared options schema, a factory), typed {@link
 * dev.heed.core.plugin.OptionsSchema options} resolved once, and the {@link
 * dev.heed.core.plugin.Registry} of one kind with its unknown-name messages.
 */
package dev.heed.core.plugin;
