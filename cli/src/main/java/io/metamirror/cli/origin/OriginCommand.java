package io.metamirror.cli.origin;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code metamirror origin …}: run or feed the origin. */
@Command(
    name = "origin",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description = "Run the origin, or publish into its data directory while it is stopped.",
    subcommands = {OriginServeCommand.class, OriginPublishDirCommand.class})
public final class OriginCommand {}
