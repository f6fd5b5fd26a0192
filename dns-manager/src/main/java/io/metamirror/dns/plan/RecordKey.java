package io.metamirror.dns.plan;

/** What identifies a record set in a zone: name, type and SetIdentifier (or {@code null}). */
public record RecordKey(String name, String type, String setIdentifier) {
  @Override
  public String toString() {
    return name + " " + type + (setIdentifier == null ? "" : " [" + setIdentifier + "]");
  }
}
