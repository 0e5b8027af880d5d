package dev.signet;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows a call that {@code config/forbidden-apis.txt} bans, in the one place that needs it. The
 * reason is mandatory so that a reviewer sees why the footgun is safe here.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {
  /** Why the banned API is needed and safe at this place. */
  String reason();
}
