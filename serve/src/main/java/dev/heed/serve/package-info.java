/** The HTTP server of {@code heed serve} ({@link dev.heed.serve.HeedServer}) and its command. */
package dev.heed.serve;
