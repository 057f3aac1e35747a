/**
 * Core's built-in initializers (zeros, constant, normal, uniform, Xavier, He) as plugins; not
 * exported.
 */
package dev.heed.core.internal.initializers;
