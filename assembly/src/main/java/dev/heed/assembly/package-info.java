/**
 * The facade ({@link dev.heed.assembly.Heed}), the Guice module ({@link
 * dev.heed.assembly.HeedModule}) and the types the command line and applications use: assemblies,
 * training listeners and events, trained models.
 */
package dev.heed.assembly;
