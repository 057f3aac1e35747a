/**
 * Reading and writing weights as safetensors ({@link dev.heed.core.io.SafeTensors}), with the names
 * PyTorch's {@code state_dict} uses ({@link dev.heed.core.io.StateDicts}); readers refuse corrupt
 * or truncated files with a message that says what and where.
 */
package dev.heed.core.io;
