package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope a feed page and a snapshot manifest share, written and read the same way for both:
 *
 * <pre>
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","head":8,"entries":[{…},{…}]}
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","seq":1200,"files":[{…},{…}]}
 * </pre>
 *
 * Fields in any order; unknown ones skipped, so a newer writer may add some. A missing or other
 * {@code format}, and a missing epoch, number or list, are {@link ProtocolException}s naming the
 * document.
 */
record EpochDocument<T>(Epoch epoch, long number, List<T> items) {

  /** Writes one item of the list, as an object. */
  @FunctionalInterface
  interface ItemWriter<T> {
    void write(T item, JsonGenerator json) throws IOException;
  }

  /** Reads one item of the list, the parser on its opening brace. */
  @FunctionalInterface
  interface ItemReader<T> {
    T read(JsonParser json) throws IOException;
  }

  /** Writes this document, its fields in the order shown above. */
  void write(
      JsonGenerator json, int format, String numberField, String itemsField, ItemWriter<T> item)
      throws IOException {
    write(json, epoch, number, items, format, numberField, itemsField, item);
  }

  /** Writes a document whose items are produced as they are written (a tree of a million files). */
  static <T> void write(
      JsonGenerator json,
      Epoch epoch,
      long number,
      Iterable<T> items,
      int format,
      String numberField,
      String itemsField,
      ItemWriter<T> item)
      throws IOException {
    json.writeStartObject();
    json.writeNumberField("format", format);
    json.writeStringField("epoch", epoch.value());
    json.writeNumberField(numberField, number);
    json.writeArrayFieldStart(itemsField);
    for (T i : items) {
      item.write(i, json);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /**
   * Reads the document {@code json} is at the start of.
   *
   * @param document what it is, for messages ("feed page")
   * @param numberField the name of its non-negative number ("head")
   * @param itemsField the name of its list ("entries")
   */
  static <T> EpochDocument<T> read(
      JsonParser json,
      String document,
      int format,
      String numberField,
      String itemsField,
      ItemReader<T> item)
      throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw new ProtocolException(document + " is not a JSON object");
    }
    Integer found = null;
    Epoch epoch = null;
    long number = -1;
    List<T> items = null;
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      if (field.equals("format")) {
        found = json.getValueAsInt(-1);
      } else if (field.equals("epoch")) {
        try {
          epoch = new Epoch(json.getText());
        } catch (IllegalArgumentException e) {
          throw new ProtocolException(document + ": " + e.getMessage());
        }
      } else if (field.equals(numberField)) {
        number = json.getValueAsLong(-1);
      } else if (field.equals(itemsField)) {
        if (value != JsonToken.START_ARRAY) {
          throw new ProtocolException(document + ": " + itemsField + " must be an array");
        }
        items = new ArrayList<>();
        while (json.nextToken() == JsonToken.START_OBJECT) {
          items.add(item.read(json));
        }
      } else {
        json.skipChildren();
      }
    }
    if (found == null || found != format) {
      throw new ProtocolException(
          document + " format " + found + " is not supported (this version reads " + format + ")");
    }
    if (epoch == null || number < 0 || items == null) {
      throw new ProtocolException(
          document + ": epoch, " + numberField + " and " + itemsField + " are required");
    }
    return new EpochDocument<>(epoch, number, items);
  }
}
