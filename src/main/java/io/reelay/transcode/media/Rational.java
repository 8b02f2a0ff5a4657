package io.reelay.transcode.media;

/** An exact fraction, used for frame rates (30000/1001) so segment maths stays frame-exact. */
public record Rational(long num, long den) {
  public Rational {
    if (den <= 0 || num < 0) {
      throw new IllegalArgumentException("bad rational " + num + "/" + den);
    }
    long g = gcd(num, den);
    if (g > 1) {
      num /= g;
      den /= g;
    }
  }

  public static Rational of(long num, long den) {
    return new Rational(num, den);
  }

  public double value() {
    return (double) num / den;
  }

  public boolean isValid() {
    return num > 0;
  }

  @Override
  public String toString() {
    return den == 1 ? Long.toString(num) : num + "/" + den;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return Math.max(a, 1);
  }
}
