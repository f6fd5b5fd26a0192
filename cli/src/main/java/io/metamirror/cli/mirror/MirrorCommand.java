package io.metamirror.cli.mirror;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code metamirror mirror …}: run a mirror node. */
@Command(
    name = "mirror",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description = "Run a mirror node: sync from the origin and serve over HTTPS.",
    subcommands = {MirrorServeCommand.class})
public final class MirrorCommand {}
