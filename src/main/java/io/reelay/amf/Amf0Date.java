package io.reelay.amf;

/**
 * AMF0 date: milliseconds since the epoch (UTC) as a double, plus a time-zone field that the spec
 * says must be zero but which we keep so round trips are exact.
 */
public record Amf0Date(double epochMillis, short timeZone) {}
