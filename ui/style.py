"""The look: big touch targets, the payable amount large, badges. One stylesheet, set on the app."""

from __future__ import annotations

STYLESHEET = """
QWidget { font-size: 15px; }
QPushButton { min-height: 44px; padding: 4px 14px; border-radius: 6px; border: 1px solid #9aa4b2;
              background: #f4f6f8; }
QPushButton:focus { border: 2px solid #2f6fde; }
QPushButton:pressed { background: #dfe5ec; }
QPushButton:disabled { color: #9aa4b2; }
QPushButton:checked { background: #2f6fde; color: white; border: 2px solid #1d4fb0; font-weight: bold; }
QDialog { border: 2px solid #6b7686; }
QLineEdit, QComboBox, QSpinBox { min-height: 40px; font-size: 17px; padding: 0 6px; }
QTableView { font-size: 16px; }
QHeaderView::section { padding: 6px; font-size: 14px; }
QListWidget { font-size: 17px; }
QListWidget::item { min-height: 44px; }
#payButton { background: #1a7f37; color: white; font-size: 24px; font-weight: bold; min-height: 72px;
             border: none; }
#payButton:disabled { background: #9fc5a8; }
#payable { font-size: 36px; font-weight: bold; color: #111; }
#changeDue { font-size: 30px; font-weight: bold; color: #1a7f37; }
#paidBanner { font-size: 26px; font-weight: bold; color: #1a7f37; }
#memberName { font-size: 22px; font-weight: bold; }
#problem, #signinMessage, #memberMessage, #dialogMessage { color: #b42318; font-size: 16px; }
#nudge { color: #9a3412; font-size: 17px; font-weight: bold; background: #fff4e5; padding: 6px;
         border-radius: 6px; }
#badge { border-radius: 10px; padding: 2px 10px; background: #e8eef9; color: #1d3d8f; font-size: 14px; }
#badgeWarn { border-radius: 10px; padding: 2px 10px; background: #fde8e8; color: #b42318; font-size: 14px; }
#badgeGold { border-radius: 10px; padding: 2px 10px; background: #fff1c2; color: #7a5200; font-size: 14px; }
#memberTopUp, #memberMembership { min-height: 28px; font-size: 14px; padding: 2px 10px; }
#actionBar QPushButton { min-height: 48px; font-size: 14px; padding: 2px 4px; }
#signinTitle { font-size: 28px; font-weight: bold; }
#statusOnline { color: #1a7f37; font-weight: bold; }
#statusOffline { color: #b42318; font-weight: bold; }
#statusStandalone { color: #555; }
"""
