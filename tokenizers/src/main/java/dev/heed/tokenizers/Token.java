package dev.heed.tokenizers;

/**
 * One token a model produced: its id, its vocabulary string and its span {@code [start, end)} in
 * code points of the normalized piece it came from.
 */
record Token(int id, String value, int start, int end) {}
