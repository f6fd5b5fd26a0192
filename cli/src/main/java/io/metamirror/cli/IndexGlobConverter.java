package io.metamirror.cli;

import io.metamirror.origin.publishdir.DirectoryPlan;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks an {@code --index} glob at parse time, so a malformed one is a usage error naming it. */
public final class IndexGlobConverter implements ITypeConverter<String> {
  @Override
  public String convert(String glob) {
    try {
      DirectoryPlan.indexMatcher(glob);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
    return glob;
  }
}
