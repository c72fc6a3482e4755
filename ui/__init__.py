"""The cashier's checkout app (PySide6): thin panels over the terminal's services.

main_window wires the panels; checkout/ holds the sale session and its panels; ops runs every
service call off the GUI thread; scanner tells a USB scanner's burst from typing; i18n holds the
Qt Linguist sources. Start it with `python -m ui` or `ui.launch.main(data_dir)`.
"""
