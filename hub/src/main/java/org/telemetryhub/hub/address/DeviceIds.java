package org.telemetryhub.hub.address;

import java.util.regex.Pattern;

/** The device id rule of docs/device-protocol.md: 1 to 64 characters of [A-Za-z0-9._-]. */
public final class DeviceIds {

  public static final String RULE = "a device id is 1 to 64 characters of [A-Za-z0-9._-]";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private DeviceIds() {
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
