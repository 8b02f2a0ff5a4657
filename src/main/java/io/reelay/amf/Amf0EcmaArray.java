package io.reelay.amf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 ECMA (associative) array. A distinct type from a plain object map so that re-encoding
 * preserves the wire marker (onMetaData is usually an ECMA array, command objects are objects).
 */
public final class Amf0EcmaArray extends LinkedHashMap<String, Object> {
  private static final long serialVersionUID = 1L;

  public Amf0EcmaArray() {}

  public Amf0EcmaArray(Map<String, ?> entries) {
    super(entries);
  }
}
