package org.telemetryhub.hub.internals;

import java.lang.reflect.Field;

/** The reflective reads and writes of private fields the internals room makes, each failing soft. */
final class Reflection {

  private Reflection() {
  }

  static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  static Field field(Class<?> type, String name) {
    try {
      Field field = type.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  static Object get(Field field, Object target) {
    try {
      return field == null || target == null ? null : field.get(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  static boolean set(Field field, Object target, Object value) {
    try {
      if (field == null) {
        return false;
      }
      field.set(target, value);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
