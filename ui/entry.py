"""The `pos-terminal` console script: with a subcommand it is the CLI (terminal.cli plus sync's
enroll/sync/status); with none it opens the cashier's app. It lives in ui/, the top layer, because
only ui may import all three."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from sync import terminal_cli
    from terminal import cli as core_cli

    parsed, _ = core_cli.build_parser(terminal_cli.add_commands).parse_known_args(
        [a for a in args if a not in ("-h", "--help")]
    )
    if parsed.command is None and not any(a in ("-h", "--help") for a in args):
        from ui.launch import main as app_main

        return app_main(argv=args)
    if parsed.command == "card" and getattr(parsed, "out", None) is not None:
        from terminal.services import card_service
        from ui.manager import card_print

        card_service.renderer = card_print.render_file  # the station's card, CJK font embedded in the PDF
    return terminal_cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
