package dev.heed.cli;

/** The exit statuses of {@code heed}. */
public final class Exits {
  /** Success. */
  public static final int OK = 0;

  /** Any failure that is not the user's input. */
  public static final int FAILURE = 1;

  /** Bad input or usage: a bad config, unknown option or name, missing or malformed file. */
  public static final int BAD_INPUT = 2;

  private Exits() {}
}
