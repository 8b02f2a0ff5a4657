package io.reelay.hls;

/** Video resolution in pixels, rendered as {@code WIDTHxHEIGHT}. */
public record Resolution(int width, int height) {

  public Resolution {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("resolution must be positive: " + width + "x" + height);
    }
  }

  static Resolution parse(String text) {
    int x = text.indexOf('x');
    if (x < 0) {
      throw new IllegalArgumentException("bad RESOLUTION: " + text);
    }
    return new Resolution(
        Integer.parseInt(text.substring(0, x)), Integer.parseInt(text.substring(x + 1)));
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
