package io.metamirror.cli.composer;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code metamirror composer}: feed a running origin with Composer package versions. */
@Command(
    name = "composer",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description =
        "Publish Composer package versions to a running origin, which generates packages.json and"
            + " p2/<vendor>/<name>.json (+ ~dev.json) from them and serves packagist.org's mirror"
            + " API (/metadata/changes.json, /packages/list.json).",
    subcommands = {
      ComposerPublishCommand.class,
      ComposerImportCommand.class,
      ComposerScanCommand.class,
      picocli.CommandLine.HelpCommand.class
    })
public final class ComposerCommand {}
