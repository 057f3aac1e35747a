/**
 * Learning-rate schedules. Most are a closed-form curve of the base rates over a clock that counts
 * optimizer steps or epochs ({@link dev.heed.optimizers.schedules.CurveSchedule}); composites run
 * other schedules one after another ({@link dev.heed.optimizers.schedules.SequentialSchedule}); and
 * reduce-on-plateau follows a validation metric ({@link
 * dev.heed.optimizers.schedules.PlateauSchedule}).
 */
package dev.heed.optimizers.schedules;
