package io.reelay.flv;

/**
 * The parts of an H.264 sequence parameter set a streaming server needs: identity and the displayed
 * picture size (after cropping).
 */
public record SpsInfo(
    int profileIdc,
    int constraintFlags,
    int levelIdc,
    int spsId,
    int chromaFormatIdc,
    int bitDepthLuma,
    boolean frameMbsOnly,
    int width,
    int height) {

  /**
   * Parses an SPS NAL unit (starting with the NAL header byte 0x67), removing emulation-prevention
   * bytes first. Follows ITU-T H.264 section 7.3.2.1.1.
   */
  public static SpsInfo parse(byte[] nal, int offset, int length) {
    if (length < 4) {
      throw new FlvException("SPS too short");
    }
    if ((nal[offset] & 0x1F) != 7) {
      throw new FlvException("NAL unit type " + (nal[offset] & 0x1F) + " is not an SPS");
    }
    byte[] rbsp = unescape(nal, offset + 1, length - 1);
    BitReader r = new BitReader(rbsp, 0, rbsp.length);
    int profileIdc = r.readBits(8);
    int constraints = r.readBits(8);
    int levelIdc = r.readBits(8);
    int spsId = r.readUe();
    if (spsId > 31) {
      throw new FlvException("SPS id " + spsId + " out of range");
    }
    int chromaFormatIdc = 1;
    int bitDepthLuma = 8;
    boolean separateColourPlane = false;
    if (hasChromaInfo(profileIdc)) {
      chromaFormatIdc = r.readUe();
      if (chromaFormatIdc > 3) {
        throw new FlvException("chroma_format_idc " + chromaFormatIdc + " out of range");
      }
      if (chromaFormatIdc == 3) {
        separateColourPlane = r.readFlag();
      }
      bitDepthLuma = r.readUe() + 8;
      r.readUe(); // bit_depth_chroma_minus8
      r.readFlag(); // qpprime_y_zero_transform_bypass_flag
      if (r.readFlag()) { // seq_scaling_matrix_present_flag
        int lists = chromaFormatIdc != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (r.readFlag()) {
            skipScalingList(r, i < 6 ? 16 : 64);
          }
        }
      }
    }
    r.readUe(); // log2_max_frame_num_minus4
    int picOrderCntType = r.readUe();
    if (picOrderCntType == 0) {
      r.readUe(); // log2_max_pic_order_cnt_lsb_minus4
    } else if (picOrderCntType == 1) {
      r.readFlag(); // delta_pic_order_always_zero_flag
      r.readSe(); // offset_for_non_ref_pic
      r.readSe(); // offset_for_top_to_bottom_field
      int cycle = r.readUe();
      if (cycle > 255) {
        throw new FlvException("num_ref_frames_in_pic_order_cnt_cycle out of range");
      }
      for (int i = 0; i < cycle; i++) {
        r.readSe();
      }
    } else if (picOrderCntType != 2) {
      throw new FlvException("pic_order_cnt_type " + picOrderCntType + " out of range");
    }
    r.readUe(); // max_num_ref_frames
    r.readFlag(); // gaps_in_frame_num_value_allowed_flag
    int widthMbs = r.readUe() + 1;
    int heightMapUnits = r.readUe() + 1;
    boolean frameMbsOnly = r.readFlag();
    if (!frameMbsOnly) {
      r.readFlag(); // mb_adaptive_frame_field_flag
    }
    r.readFlag(); // direct_8x8_inference_flag
    int cropLeft = 0;
    int cropRight = 0;
    int cropTop = 0;
    int cropBottom = 0;
    if (r.readFlag()) { // frame_cropping_flag
      cropLeft = r.readUe();
      cropRight = r.readUe();
      cropTop = r.readUe();
      cropBottom = r.readUe();
    }
    // Crop units depend on chroma subsampling (Table 6-1) and on field coding.
    int frameHeightFactor = frameMbsOnly ? 1 : 2;
    int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    int cropUnitX;
    int cropUnitY;
    if (chromaArrayType == 0) {
      cropUnitX = 1;
      cropUnitY = frameHeightFactor;
    } else {
      int subWidthC = chromaFormatIdc == 3 ? 1 : 2;
      int subHeightC = chromaFormatIdc == 1 ? 2 : 1;
      cropUnitX = subWidthC;
      cropUnitY = subHeightC * frameHeightFactor;
    }
    long width = (long) widthMbs * 16 - (long) cropUnitX * ((long) cropLeft + cropRight);
    long height =
        (long) heightMapUnits * 16 * frameHeightFactor
            - (long) cropUnitY * ((long) cropTop + cropBottom);
    if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
      throw new FlvException("SPS picture size " + width + "x" + height + " is invalid");
    }
    return new SpsInfo(
        profileIdc,
        constraints,
        levelIdc,
        spsId,
        chromaFormatIdc,
        bitDepthLuma,
        frameMbsOnly,
        (int) width,
        (int) height);
  }

  public static SpsInfo parse(byte[] nal) {
    return parse(nal, 0, nal.length);
  }

  private static boolean hasChromaInfo(int profileIdc) {
    return switch (profileIdc) {
      case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
      default -> false;
    };
  }

  private static void skipScalingList(BitReader r, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        int delta = r.readSe();
        next = (last + delta + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  /** Removes emulation-prevention bytes (00 00 03 → 00 00). */
  static byte[] unescape(byte[] src, int offset, int length) {
    byte[] out = new byte[length];
    int n = 0;
    int zeros = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = src[i] & 0xFF;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      out[n++] = (byte) b;
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return n == length ? out : java.util.Arrays.copyOf(out, n);
  }
}
