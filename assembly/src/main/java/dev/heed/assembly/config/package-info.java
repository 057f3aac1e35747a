/** The resolved config model: records for every section, plugin references and origins. */
package dev.heed.assembly.config;
