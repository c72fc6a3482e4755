"""Receipts to an ESC/POS thermal printer (python-escpos), Chinese text in GB18030.

The target is a setting (QSettings 'receipts/escpos'): 'network:HOST[:PORT]' (port 9100 by default),
'file:/dev/usb/lp0' (a USB printer the kernel exposes as a device file) or 'usb:VID:PID' (hex).
Chinese thermal printers print double-byte text in their Chinese mode (FS &), fed GB18030 bytes.
"""

from __future__ import annotations

from typing import Any

from escpos import printer as escpos
from escpos.exceptions import Error as DeviceError  # noqa: F401  (callers catch it)

CHINESE_MODE = b"\x1c\x26"  # FS &: double-byte characters on
INIT = b"\x1b\x40"  # ESC @: reset the printer


class PrinterTargetError(ValueError):
    """The configured target is not one of the forms above."""


def open_target(target: str) -> Any:
    kind, _, rest = target.partition(":")
    if kind == "network" and rest:
        host, _, port = rest.partition(":")
        return escpos.Network(host, int(port or 9100), timeout=5)
    if kind == "file" and rest:
        return escpos.File(rest)
    if kind == "usb" and rest.count(":") == 1:
        vid, pid = rest.split(":")
        return escpos.Usb(int(vid, 16), int(pid, 16))
    raise PrinterTargetError(target)


def receipt_bytes(text: str) -> bytes:
    """What goes down the wire for one receipt: reset, Chinese mode, the text, feed and cut."""
    device = escpos.Dummy()
    write(device, text)
    return bytes(device.output)


def write(device: Any, text: str) -> None:
    device._raw(INIT + CHINESE_MODE)
    device._raw(text.replace("\r\n", "\n").encode("gb18030", errors="replace"))
    device._raw(b"\n")
    device.cut()


def print_text(target: str, text: str) -> None:
    device = open_target(target)
    try:
        write(device, text)
    finally:
        device.close()
