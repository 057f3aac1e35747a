package dev.heed.vision;

/**
 * The extents of one image, {@code [channels, height, width]}. In a config, images flow between
 * layers as flat rows {@code [B, channels·height·width]} (a free view of {@code [B, C, H, W]}); a
 * layer recovers the image from the row width with its channel count and, unless given, a square
 * image.
 *
 * @param channels C
 * @param height H
 * @param width W
 */
record ImageShape(int channels, int height, int width) {

  /** Checks that every extent is positive. */
  ImageShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "an image needs positive extents, got " + channels + "×" + height + "×" + width);
    }
  }

  /** Elements of one image, {@code C·H·W}. */
  int features() {
    return channels * height * width;
  }

  /**
   * The image whose flat row has {@code features} elements in {@code channels} channels: {@code
   * height} rows when given (above 0), else a square.
   *
   * @param owner the layer, for messages
   * @throws IllegalArgumentException when no such image exists, saying what would fit
   */
  static ImageShape of(String owner, int features, int channels, int height) {
    if (channels < 1 || features % channels != 0) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + features
              + " input features are not "
              + channels
              + " channels of equal size; set the channel count of the image that reaches this"
              + " layer");
    }
    int plane = features / channels;
    if (height > 0) {
      if (plane % height != 0) {
        throw new IllegalArgumentException(
            owner
                + ": "
                + features
                + " input features are not "
                + channels
                + " channels of "
                + height
                + " rows; expected a multiple of "
                + (long) channels * height);
      }
      return new ImageShape(channels, height, plane / height);
    }
    int side = (int) Math.round(Math.sqrt(plane));
    if (side * side != plane) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + features
              + " input features are "
              + channels
              + " channel(s) of "
              + plane
              + " pixels, which is not a square image; give option height");
    }
    return new ImageShape(channels, side, side);
  }

  @Override
  public String toString() {
    return "[" + channels + ", " + height + ", " + width + "]";
  }
}
