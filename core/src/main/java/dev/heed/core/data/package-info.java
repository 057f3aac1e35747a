/**
 * The data set SPI: {@link dev.heed.core.data.Dataset} (rows of inputs and targets read in one
 * pass), {@link dev.heed.core.data.SequenceLayout} for token sequences, and {@link
 * dev.heed.core.data.DatasetProvider}, the plugin that configs name by {@code data.type}.
 */
package dev.heed.core.data;
