/** Config reading, overrides, validation and the JSON Schema writer. Not exported. */
package dev.heed.assembly.internal;
