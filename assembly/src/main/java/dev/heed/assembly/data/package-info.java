/**
 * Data sources: CSV files read in streaming mini-batches and generated data sets, with a seeded
 * split, a seeded buffer shuffle and z-score normalisation.
 */
package dev.heed.assembly.data;
