/** The trainer, its stopping rule, metrics, the model builder and checkpoints. */
package dev.heed.assembly.train;
