<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AddStaffDialog</name>
    <message>
        <location filename="../manager/staff_tab.py" line="93"/>
        <source>Add staff</source>
        <translation>添加员工</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="97"/>
        <source>Letters and digits, e.g. c02</source>
        <translation>字母和数字，例如 c02</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="106"/>
        <source>4 to 12 digits</source>
        <translation>4-12 位数字</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="109"/>
        <source>Add (Enter)</source>
        <translation>添加 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="111"/>
        <source>Staff id</source>
        <translation>员工号</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="112"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="113"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="114"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="115"/>
        <source>PIN again</source>
        <translation>再次输入密码</translation>
    </message>
</context>
<context>
    <name>AdjustPointsDialog</name>
    <message>
        <location filename="../manager/points_dialogs.py" line="40"/>
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="42"/>
        <source>Points now: %1</source>
        <translation>当前积分：%1</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="45"/>
        <source>e.g. 200 to add, -150 to take away</source>
        <translation>例如 200 为增加，-150 为扣减</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="53"/>
        <source>Required, e.g. points missed on receipt A1B2C3-000042</source>
        <translation>必填，例如 小票 A1B2C3-000042 漏积分</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="54"/>
        <source>Adjust points (Enter)</source>
        <translation>调整积分 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="56"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="58"/>
        <source>Change</source>
        <translation>调整数</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="60"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="85"/>
        <source>Points after: %1</source>
        <translation>调整后积分：%1</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="87"/>
        <source>below zero: not allowed</source>
        <translation>低于零，不允许</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="95"/>
        <source>Enter the change in points, e.g. 200 or -150</source>
        <translation>请输入调整的积分数，例如 200 或 -150</translation>
    </message>
</context>
<context>
    <name>AuditTab</name>
    <message>
        <location filename="../manager/audit_tab.py" line="26"/>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="27"/>
        <source>Wrong PIN</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="28"/>
        <source>Staff added</source>
        <translation>添加员工</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="29"/>
        <source>PIN reset</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="30"/>
        <source>Role changed</source>
        <translation>更改角色</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="31"/>
        <source>Staff deactivated</source>
        <translation>停用员工</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="32"/>
        <source>Staff reactivated</source>
        <translation>重新启用员工</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="33"/>
        <source>Points adjusted</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="34"/>
        <source>Coupon given</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="35"/>
        <source>Card replaced</source>
        <translation>补换会员卡</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="36"/>
        <source>Stored value top-up</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="37"/>
        <source>Paid membership bought</source>
        <translation>购买付费会员</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="38"/>
        <source>Refund</source>
        <translation>退货</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="39"/>
        <source>Member profile changed</source>
        <translation>修改会员资料</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="40"/>
        <source>Marketing consent</source>
        <translation>营销授权</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="41"/>
        <source>Member blacklisted</source>
        <translation>列入黑名单</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="42"/>
        <source>Blacklist lifted</source>
        <translation>移出黑名单</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="43"/>
        <source>Member erased</source>
        <translation>注销会员</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="44"/>
        <source>Member data exported</source>
        <translation>导出会员数据</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="45"/>
        <source>Rules loaded</source>
        <translation>加载会员规则</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="46"/>
        <source>Rules from head office</source>
        <translation>总部下发会员规则</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="150"/>
        <source>Checking…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="167"/>
        <source>OK: the audit log is intact (%1 entries checked)</source>
        <translation>正常：审计日志完整（已校验 %1 条）</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="173"/>
        <source>The audit log was altered: entry #%1 is missing or out of order</source>
        <translation>审计日志被改动：第 #%1 条缺失或顺序错乱</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="176"/>
        <source>The audit log was altered from entry #%1 (%2, %3, %4)</source>
        <translation>审计日志自第 #%1 条起被改动（%2，%3，%4）</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="182"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="182"/>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="182"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="183"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="184"/>
        <source>Verify chain</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="185"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../manager/audit_tab.py" line="186"/>
        <source>The latest %1 entries, newest first</source>
        <translation>最近 %1 条记录，最新的在前</translation>
    </message>
</context>
<context>
    <name>BlacklistDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="150"/>
        <source>Blacklist</source>
        <translation>列入黑名单</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="151"/>
        <source>The checkout will refuse this member and show the reason.</source>
        <translation>收银时将拒绝该会员，并显示原因。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="155"/>
        <source>Required; do not write the member&apos;s name or phone</source>
        <translation>必填；请勿填写会员姓名或手机号</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="156"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="157"/>
        <source>Blacklist (Enter)</source>
        <translation>列入黑名单 (Enter)</translation>
    </message>
</context>
<context>
    <name>CardDialog</name>
    <message>
        <location filename="../manager/card_dialog.py" line="47"/>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="52"/>
        <source>Looking up the member&apos;s card…</source>
        <translation>正在查询会员卡…</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="69"/>
        <location filename="../manager/card_dialog.py" line="136"/>
        <source>Issue card</source>
        <translation>发卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="72"/>
        <source>Print card</source>
        <translation>打印会员卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="75"/>
        <source>Save as PDF or PNG…</source>
        <translation>另存为 PDF 或 PNG…</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="78"/>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="84"/>
        <source>Card printer</source>
        <translation>会员卡打印机</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="135"/>
        <source>This member has no card yet.</source>
        <translation>该会员还没有会员卡。</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="139"/>
        <source>Current card issued %1. Replacing it revokes it: the old card is refused at the checkout from then on. To print the current card again, use Print.</source>
        <translation>当前会员卡发于 %1。补换新卡将作废旧卡：此后收银台将拒绝旧卡。如只需重新打印当前卡，请点“打印会员卡”。</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="142"/>
        <source>Revoke the old card and issue a new one</source>
        <translation>作废旧卡并发新卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="155"/>
        <source>No card yet</source>
        <translation>尚无会员卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="163"/>
        <source>None: save a PDF in the data folder</source>
        <translation>不使用：在数据文件夹中保存 PDF</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="168"/>
        <source>%1 (not found)</source>
        <translation>%1（未找到）</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="186"/>
        <source>Card issued.</source>
        <translation>已发卡。</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="188"/>
        <source>The old card is revoked: it is refused at the checkout.</source>
        <translation>旧卡已作废：收银台将拒绝旧卡。</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="190"/>
        <source>Revoke this card and issue a new one</source>
        <translation>作废此卡并重新发卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="208"/>
        <source>No card printer is chosen, so the card was saved as a PDF: %1</source>
        <translation>未选择会员卡打印机，会员卡已保存为 PDF：%1</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="211"/>
        <source>Sent to the printer %1</source>
        <translation>已发送到打印机 %1</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="217"/>
        <source>Save the card</source>
        <translation>保存会员卡</translation>
    </message>
    <message>
        <location filename="../manager/card_dialog.py" line="231"/>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>CardPrint</name>
    <message>
        <location filename="../manager/card_print.py" line="48"/>
        <source>The card printer %1 cannot be reached; the card is issued, print it again later</source>
        <translation>无法连接会员卡打印机 %1；会员卡已发出，请稍后重新打印</translation>
    </message>
    <message>
        <location filename="../manager/card_print.py" line="50"/>
        <source>Cannot write the card file %1</source>
        <translation>无法写入会员卡文件 %1</translation>
    </message>
    <message>
        <location filename="../manager/card_print.py" line="51"/>
        <source>A card file is saved as .pdf or .png</source>
        <translation>会员卡文件须保存为 .pdf 或 .png</translation>
    </message>
    <message>
        <location filename="../manager/card_print.py" line="179"/>
        <location filename="../manager/card_print.py" line="228"/>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
</context>
<context>
    <name>CartModel</name>
    <message>
        <location filename="../checkout/cart_panel.py" line="46"/>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="46"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="46"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="46"/>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="46"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
</context>
<context>
    <name>CartPanel</name>
    <message>
        <location filename="../checkout/cart_panel.py" line="178"/>
        <source>12.50  (↑↓ category)</source>
        <translation>如 12.50（↑↓ 换品类）</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="179"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="180"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="181"/>
        <source>Add line (F2, Enter)</source>
        <translation>添加商品 (F2, 回车)</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="182"/>
        <source>Product code</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="183"/>
        <source>Type or scan a product code (F5)</source>
        <translation>输入或扫描商品条码 (F5)</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="184"/>
        <source>Add product</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="185"/>
        <source>Qty + (+)</source>
        <translation>数量 + (+)</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="186"/>
        <source>Qty − (-)</source>
        <translation>数量 − (-)</translation>
    </message>
    <message>
        <location filename="../checkout/cart_panel.py" line="187"/>
        <source>Remove line (Del)</source>
        <translation>删除商品 (Del)</translation>
    </message>
</context>
<context>
    <name>CheckoutPage</name>
    <message>
        <location filename="../checkout/page.py" line="53"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="54"/>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="55"/>
        <source>Total</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="57"/>
        <source>F1 Member</source>
        <translation>F1 查会员</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="57"/>
        <source>F2 Add line</source>
        <translation>F2 加商品</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="57"/>
        <source>F3 Coupon</source>
        <translation>F3 优惠券</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="58"/>
        <source>F4 Points</source>
        <translation>F4 积分抵现</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="58"/>
        <source>F5 Product code</source>
        <translation>F5 商品条码</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="59"/>
        <source>F6 New member</source>
        <translation>F6 新会员</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="59"/>
        <source>F7 Last receipt</source>
        <translation>F7 上一张小票</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="60"/>
        <source>F8 Refund</source>
        <translation>F8 退货</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="60"/>
        <source>F10 Sign out</source>
        <translation>F10 退出登录</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="60"/>
        <source>F9 Manage</source>
        <translation>F9 管理</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="61"/>
        <source>F11 Settings</source>
        <translation>F11 设置</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="61"/>
        <source>Del Remove line</source>
        <translation>Del 删除商品</translation>
    </message>
    <message>
        <location filename="../checkout/page.py" line="62"/>
        <source>Esc Clear sale</source>
        <translation>Esc 清空本单</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="116"/>
        <source>Marketing consent</source>
        <translation>营销授权</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="120"/>
        <source>Not asked yet.</source>
        <translation>尚未征询。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="122"/>
        <source>Agreed on %1.</source>
        <translation>已于 %1 同意。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="124"/>
        <source>Declined on %1.</source>
        <translation>已于 %1 拒绝。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="126"/>
        <source>May we send this member offers (SMS, WeChat)?</source>
        <translation>是否同意接收优惠信息（短信、微信）？</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="127"/>
        <source>Yes, the member agrees</source>
        <translation>同意，会员愿意接收</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="129"/>
        <source>No, the member declines</source>
        <translation>不同意，会员拒绝接收</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="137"/>
        <source>Record (Enter)</source>
        <translation>记录 (Enter)</translation>
    </message>
</context>
<context>
    <name>Counts</name>
    <message numerus="yes">
        <location filename="../labels.py" line="132"/>
        <source>%n point(s)</source>
        <translation>
            <numerusform>%n 分</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../labels.py" line="135"/>
        <source>%n min ago</source>
        <translation>
            <numerusform>%n 分钟前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../labels.py" line="138"/>
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n 小时前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../labels.py" line="141"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EditProfileDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="80"/>
        <source>Edit profile</source>
        <translation>修改资料</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="90"/>
        <source>YYYY-MM-DD, empty: none</source>
        <translation>YYYY-MM-DD，留空表示不登记</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="92"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="93"/>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="94"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="95"/>
        <source>Save (Enter)</source>
        <translation>保存 (Enter)</translation>
    </message>
</context>
<context>
    <name>EraseDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="188"/>
        <source>Erase member</source>
        <translation>注销会员</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="192"/>
        <source>Erasing removes this member&apos;s name, phone and birthday for good, here and (after sync) at head office. Sales, points and reports keep adding up. This cannot be undone.</source>
        <translation>注销将永久删除该会员的姓名、手机号和生日（本机立即删除，同步后总部也删除）。销售、积分和报表数据保持完整。此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="197"/>
        <source>Required, e.g. the member asked in writing</source>
        <translation>必填，例如：会员书面申请</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="201"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="202"/>
        <source>Type %1 to confirm</source>
        <translation>输入 %1 以确认</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="203"/>
        <source>Erase for good</source>
        <translation>永久注销</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="215"/>
        <source>To confirm, type %1 (the last 4 digits of the member&apos;s phone)</source>
        <translation>请输入 %1（会员手机号后4位）以确认</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../errors.py" line="30"/>
        <source>No product with code %1</source>
        <translation>没有编码为 %1 的商品</translation>
    </message>
    <message>
        <location filename="../errors.py" line="31"/>
        <source>Cash received is less than the amount due (%1)</source>
        <translation>实收现金少于应付金额（%1）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="32"/>
        <source>A refund needs a manager&apos;s approval</source>
        <translation>退货需要店长授权</translation>
    </message>
    <message>
        <location filename="../errors.py" line="33"/>
        <source>The manager&apos;s station is for managers and admins; ask a manager to sign in</source>
        <translation>店长工作台仅限店长和管理员使用，请店长登录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="35"/>
        <source>The checkout is already open on this computer</source>
        <translation>收银程序已在本机运行</translation>
    </message>
    <message>
        <location filename="../errors.py" line="36"/>
        <source>The receipt printer %1 cannot be reached; the sale is saved, print it again later</source>
        <translation>无法连接小票打印机 %1；本单已保存，可稍后补打</translation>
    </message>
    <message>
        <location filename="../errors.py" line="38"/>
        <source>This terminal is not set up yet: run &apos;pos-terminal init&apos; first</source>
        <translation>终端尚未初始化，请先运行 pos-terminal init</translation>
    </message>
    <message>
        <location filename="../errors.py" line="55"/>
        <source>Sorry, something went wrong (reference %1). The details are in the log.</source>
        <translation>抱歉，出现内部错误（参考号 %1），详情已记录在日志中</translation>
    </message>
    <message>
        <location filename="../errors.py" line="62"/>
        <source>Cannot do that</source>
        <translation>无法完成</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="229"/>
        <location filename="../manager/profile_dialogs.py" line="258"/>
        <source>Export personal data</source>
        <translation>导出个人信息</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="232"/>
        <source>A copy of everything held about this member (profile, cards, coupons, points, sales), for the member&apos;s request. The file holds personal data: hand it over securely. The export is recorded in the audit log.</source>
        <translation>应会员申请，导出本店保存的该会员全部信息（资料、会员卡、优惠券、积分、消费记录）。文件含个人信息，请妥善交付。导出操作将记入审计日志。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="237"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="247"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="249"/>
        <source>Export (Enter)</source>
        <translation>导出 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="259"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="269"/>
        <source>Choose where to save the file</source>
        <translation>请选择文件保存位置</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="280"/>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="281"/>
        <source>Close (Enter)</source>
        <translation>关闭 (Enter)</translation>
    </message>
</context>
<context>
    <name>GiveCouponDialog</name>
    <message>
        <location filename="../manager/points_dialogs.py" line="118"/>
        <source>Give a coupon</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="124"/>
        <source>valid in the birthday month</source>
        <translation>生日当月有效</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="126"/>
        <source>valid %1 days</source>
        <translation>有效期 %1 天</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="132"/>
        <source>Give the coupon (Enter)</source>
        <translation>发放优惠券 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="135"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/points_dialogs.py" line="138"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
</context>
<context>
    <name>HistoryTabs</name>
    <message>
        <location filename="../manager/history_tabs.py" line="108"/>
        <source>Sales</source>
        <translation>消费记录</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="108"/>
        <source>Points history</source>
        <translation>积分明细</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="108"/>
        <source>Points lots</source>
        <translation>积分批次</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="109"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="109"/>
        <source>Tier history</source>
        <translation>等级变动</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="109"/>
        <source>Stored value</source>
        <translation>储值</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="135"/>
        <source>%1 on %2</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="141"/>
        <source>Receipt</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="141"/>
        <location filename="../manager/history_tabs.py" line="173"/>
        <location filename="../manager/history_tabs.py" line="215"/>
        <location filename="../manager/history_tabs.py" line="232"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="141"/>
        <location filename="../manager/history_tabs.py" line="232"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="141"/>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="141"/>
        <source>Points +earned / -used</source>
        <translation>积分 +获得 / -使用</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="142"/>
        <source>Refunds</source>
        <translation>退货</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="142"/>
        <location filename="../manager/history_tabs.py" line="173"/>
        <location filename="../manager/history_tabs.py" line="215"/>
        <location filename="../manager/history_tabs.py" line="232"/>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="146"/>
        <location filename="../manager/history_tabs.py" line="188"/>
        <source>Earned</source>
        <translation>获得</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="146"/>
        <source>Bonus</source>
        <translation>奖励</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="147"/>
        <source>Redeemed</source>
        <translation>抵现</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="147"/>
        <location filename="../manager/history_tabs.py" line="182"/>
        <location filename="../manager/history_tabs.py" line="192"/>
        <source>Expired</source>
        <translation>过期</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="148"/>
        <source>Adjusted</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="148"/>
        <source>Refund: earned points taken back</source>
        <translation>退货：扣回所得积分</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="149"/>
        <source>Refund: used points given back</source>
        <translation>退货：退还所用积分</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="159"/>
        <source>Monthly spend bonus (%1)</source>
        <translation>月度消费满额奖励（%1）</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="163"/>
        <source>Earned on %1</source>
        <translation>%1 获得</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="165"/>
        <location filename="../manager/history_tabs.py" line="213"/>
        <location filename="../manager/history_tabs.py" line="228"/>
        <source>Receipt %1</source>
        <translation>小票 %1</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="173"/>
        <location filename="../manager/history_tabs.py" line="232"/>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="173"/>
        <location filename="../manager/history_tabs.py" line="188"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="173"/>
        <source>Reason or receipt</source>
        <translation>原因或小票</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="180"/>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="184"/>
        <source>Used up</source>
        <translation>已用完</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="188"/>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="188"/>
        <source>Valid through</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="188"/>
        <location filename="../manager/history_tabs.py" line="198"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="192"/>
        <source>Available</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="192"/>
        <source>Used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="193"/>
        <source>Not valid yet</source>
        <translation>未生效</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="198"/>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="198"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="198"/>
        <source>From</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="198"/>
        <source>Until</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="204"/>
        <source>Paid membership: %1</source>
        <translation>付费会员：%1</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="205"/>
        <source>%1 to %2, fee %3</source>
        <translation>%1 至 %2，费用 %3</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="210"/>
        <source>Upgrade</source>
        <translation>升级</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="210"/>
        <source>Retention review</source>
        <translation>保级复核</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="215"/>
        <source>Change</source>
        <translation>变动</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="215"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="218"/>
        <source>Top-up</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="218"/>
        <source>Paid at a sale</source>
        <translation>消费支付</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="219"/>
        <source>Refunded to stored value</source>
        <translation>退回储值</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="225"/>
        <source>Paid %1 by %2, bonus %3</source>
        <translation>%2支付 %1，赠送 %3</translation>
    </message>
    <message>
        <location filename="../manager/history_tabs.py" line="232"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../labels.py" line="18"/>
        <source>General</source>
        <translation>百货</translation>
    </message>
    <message>
        <location filename="../labels.py" line="19"/>
        <source>Fresh</source>
        <translation>生鲜</translation>
    </message>
    <message>
        <location filename="../labels.py" line="20"/>
        <source>Tobacco</source>
        <translation>烟草</translation>
    </message>
    <message>
        <location filename="../labels.py" line="21"/>
        <source>Dairy</source>
        <translation>乳品</translation>
    </message>
    <message>
        <location filename="../labels.py" line="22"/>
        <source>Bakery</source>
        <translation>烘焙</translation>
    </message>
    <message>
        <location filename="../labels.py" line="23"/>
        <source>Beverages</source>
        <translation>饮料</translation>
    </message>
    <message>
        <location filename="../labels.py" line="24"/>
        <source>Household</source>
        <translation>家居</translation>
    </message>
    <message>
        <location filename="../labels.py" line="25"/>
        <source>Personal care</source>
        <translation>个护</translation>
    </message>
    <message>
        <location filename="../labels.py" line="26"/>
        <source>Apparel</source>
        <translation>服饰</translation>
    </message>
    <message>
        <location filename="../labels.py" line="27"/>
        <source>Electronics</source>
        <translation>电器</translation>
    </message>
    <message>
        <location filename="../labels.py" line="34"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../labels.py" line="35"/>
        <source>Bank card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location filename="../labels.py" line="36"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../labels.py" line="37"/>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../labels.py" line="38"/>
        <source>Stored value</source>
        <translation>储值</translation>
    </message>
    <message>
        <location filename="../labels.py" line="39"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../labels.py" line="46"/>
        <source>New</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../labels.py" line="47"/>
        <source>Active</source>
        <translation>活跃</translation>
    </message>
    <message>
        <location filename="../labels.py" line="48"/>
        <source>Dormant</source>
        <translation>沉睡</translation>
    </message>
    <message>
        <location filename="../labels.py" line="49"/>
        <source>Lapsed</source>
        <translation>流失</translation>
    </message>
    <message>
        <location filename="../labels.py" line="56"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location filename="../labels.py" line="57"/>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location filename="../labels.py" line="58"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../labels.py" line="106"/>
        <source>%1 (to %2)</source>
        <translation>%1（至 %2）</translation>
    </message>
    <message>
        <location filename="../labels.py" line="124"/>
        <source>Spend %1 more to reach %2</source>
        <translation>再消费%1升级为%2</translation>
    </message>
    <message>
        <location filename="../labels.py" line="161"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../labels.py" line="164"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
</context>
<context>
    <name>LiftBlacklistDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="172"/>
        <source>Lift blacklist</source>
        <translation>解除黑名单</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="173"/>
        <source>Blacklisted because: %1</source>
        <translation>列入黑名单的原因：%1</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="174"/>
        <source>The member can shop, earn and redeem again.</source>
        <translation>解除后会员可重新消费、积分和抵现。</translation>
    </message>
    <message>
        <location filename="../manager/profile_dialogs.py" line="175"/>
        <source>Lift blacklist (Enter)</source>
        <translation>解除黑名单 (Enter)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="148"/>
        <source>Sign out and clear the sale in progress?</source>
        <translation>退出登录并清空正在进行的这一单？</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="167"/>
        <source>Clear this sale? The items and the member are removed.</source>
        <translation>清空本单？商品和会员都将移除。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="170"/>
        <source>Please confirm</source>
        <translation>请确认</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="291"/>
        <source>Member checkout</source>
        <translation>会员收银</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="295"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>ManagerStation</name>
    <message>
        <location filename="../manager/station.py" line="55"/>
        <source>Manager&apos;s station — %1</source>
        <translation>店长工作台 — %1</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="56"/>
        <source>Back to checkout (Esc)</source>
        <translation>返回收银 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="57"/>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="57"/>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="57"/>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
</context>
<context>
    <name>MemberActions</name>
    <message>
        <location filename="../manager/member_actions.py" line="33"/>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location filename="../manager/member_actions.py" line="34"/>
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../manager/member_actions.py" line="35"/>
        <source>Give a coupon</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../manager/member_actions.py" line="36"/>
        <source>Top up stored value</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../manager/member_actions.py" line="37"/>
        <source>Paid membership</source>
        <translation>付费会员</translation>
    </message>
</context>
<context>
    <name>MemberPage</name>
    <message>
        <location filename="../manager/member_page.py" line="227"/>
        <source>← Search (Alt+←)</source>
        <translation>← 返回搜索 (Alt+←)</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="229"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="229"/>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="229"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="230"/>
        <source>Registered</source>
        <translation>注册时间</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="230"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="231"/>
        <location filename="../manager/member_page.py" line="243"/>
        <source>Marketing consent</source>
        <translation>营销授权</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="231"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="231"/>
        <source>Tier since</source>
        <translation>升级日期</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="232"/>
        <source>Spend, last 365 days</source>
        <translation>近365天消费</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="232"/>
        <source>Next tier</source>
        <translation>下一等级</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="233"/>
        <source>Keeping the tier</source>
        <translation>保级</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="233"/>
        <location filename="../manager/member_page.py" line="246"/>
        <source>Paid membership</source>
        <translation>付费会员</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="234"/>
        <source>Points balance</source>
        <translation>积分余额</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="234"/>
        <source>Expiring in 30 days</source>
        <translation>30天内过期</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="235"/>
        <source>Stored value</source>
        <translation>储值</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="235"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="239"/>
        <source>Profile</source>
        <translation>会员资料</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="240"/>
        <source>Tier and progress</source>
        <translation>等级与进度</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="241"/>
        <source>Points, stored value, coupons</source>
        <translation>积分、储值、优惠券</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="243"/>
        <source>Edit profile</source>
        <translation>修改资料</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="244"/>
        <location filename="../manager/member_page.py" line="278"/>
        <source>Blacklist</source>
        <translation>列入黑名单</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="244"/>
        <source>Erase (PIPL)</source>
        <translation>注销会员</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="244"/>
        <source>Export data</source>
        <translation>导出信息</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="245"/>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="245"/>
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="245"/>
        <source>Give coupon</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="246"/>
        <source>Top up</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="265"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="278"/>
        <source>Lift blacklist</source>
        <translation>解除黑名单</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="304"/>
        <source>Erased member</source>
        <translation>已注销会员</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="307"/>
        <source>Erased</source>
        <translation>已注销</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="309"/>
        <location filename="../manager/member_page.py" line="326"/>
        <source>(no name)</source>
        <translation>（未留姓名）</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="315"/>
        <source>Blacklisted</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="317"/>
        <source>Tier at risk</source>
        <translation>保级风险</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="319"/>
        <source>High-value member</source>
        <translation>高价值会员</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="321"/>
        <source>Paid member</source>
        <translation>付费会员</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="325"/>
        <source>(erased)</source>
        <translation>（已删除）</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="328"/>
        <source>not given</source>
        <translation>未登记</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="331"/>
        <source>Erased: personal data removed</source>
        <translation>已注销：个人信息已删除</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="333"/>
        <source>Blacklisted: %1</source>
        <translation>黑名单：%1</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="335"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="339"/>
        <source>Not asked</source>
        <translation>未征询</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="341"/>
        <source>Yes, since %1</source>
        <translation>同意（%1）</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="341"/>
        <source>No, since %1</source>
        <translation>拒绝（%1）</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="351"/>
        <source>Spend %1 more to reach %2</source>
        <translation>再消费%1升级为%2</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="354"/>
        <source>Top tier</source>
        <translation>已是最高等级</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="357"/>
        <source>At risk: below the line, reviewed on %1</source>
        <translation>有降级风险：消费未达保级线，%1 复核</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="360"/>
        <source>Reviewed on %1</source>
        <translation>%1 复核</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="363"/>
        <source>Entry tier: nothing to keep</source>
        <translation>入门等级，无需保级</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="366"/>
        <source>%1 until %2</source>
        <translation>%1，至 %2</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="369"/>
        <location filename="../manager/member_page.py" line="381"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="376"/>
        <source>(negative: points already spent were refunded)</source>
        <translation>（为负：已用积分的订单发生退货）</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="380"/>
        <source>%1 on %2</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="383"/>
        <source>Not offered</source>
        <translation>未开通</translation>
    </message>
    <message>
        <location filename="../manager/member_page.py" line="387"/>
        <source>%1 available, %2 used, %3 expired</source>
        <translation>可用 %1 张，已用 %2 张，过期 %3 张</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../checkout/member_panel.py" line="83"/>
        <source>Phone, last 4 or scan the card</source>
        <translation>手机号、手机尾号后4位，或扫描会员卡</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="84"/>
        <source>Find member (F1)</source>
        <translation>查会员 (F1)</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="85"/>
        <source>New member (F6)</source>
        <translation>新会员 (F6)</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="86"/>
        <source>No member</source>
        <translation>非会员</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="87"/>
        <source>Top up stored value</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="88"/>
        <source>Paid membership</source>
        <translation>付费会员</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="118"/>
        <source>No member: a sale without a member earns no points</source>
        <translation>非会员：本单不累积积分</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="127"/>
        <source>(no name)</source>
        <translation>（未留姓名）</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="132"/>
        <source>Tier at risk</source>
        <translation>保级风险</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="134"/>
        <source>High-value member</source>
        <translation>高价值会员</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="136"/>
        <source>Blacklisted</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="138"/>
        <source>Points balance: %1</source>
        <translation>积分余额：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="140"/>
        <source>Stored value: %1</source>
        <translation>储值余额：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="144"/>
        <source>%1 on %2</source>
        <translation>%2 过期 %1 分</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="146"/>
        <source>Expiring within 30 days: %1</source>
        <translation>30天内过期：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="153"/>
        <source>Coupons: %1</source>
        <translation>可用优惠券：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="155"/>
        <source>Coupons: none available</source>
        <translation>可用优惠券：无</translation>
    </message>
</context>
<context>
    <name>MemberPickDialog</name>
    <message>
        <location filename="../checkout/member_pick.py" line="25"/>
        <source>Pick the member</source>
        <translation>选择会员</translation>
    </message>
    <message>
        <location filename="../checkout/member_pick.py" line="35"/>
        <source>%1 members match %2: ask the customer for the full phone number or pick one</source>
        <translation>尾号 %2 匹配 %1 位会员：请核对完整手机号后选择</translation>
    </message>
    <message>
        <location filename="../checkout/member_pick.py" line="38"/>
        <source>Only the first %1 are shown</source>
        <translation>仅显示前 %1 位</translation>
    </message>
    <message>
        <location filename="../checkout/member_pick.py" line="41"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
</context>
<context>
    <name>MemberSearchPanel</name>
    <message>
        <location filename="../manager/member_search.py" line="208"/>
        <source>Phone, last 4 digits, name, or scan the card</source>
        <translation>手机号、后4位、姓名，或扫会员卡</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="209"/>
        <source>Search (Enter)</source>
        <translation>搜索 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="210"/>
        <source>New member</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="211"/>
        <source>All tiers</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="213"/>
        <source>Any lifecycle</source>
        <translation>全部生命周期</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="215"/>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="215"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="216"/>
        <source>Blacklisted</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="281"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="320"/>
        <source>Search by phone, last 4 digits, name or card; or pick filters</source>
        <translation>按手机号、后4位、姓名或会员卡搜索，或选择筛选条件</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="324"/>
        <source>No member matches</source>
        <translation>没有符合条件的会员</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="326"/>
        <source>Showing the first %1: narrow the search to see others</source>
        <translation>仅显示前 %1 位，请缩小搜索范围</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="328"/>
        <source>Members found: %1 (Enter or double-click opens one)</source>
        <translation>找到 %1 位会员（回车或双击打开）</translation>
    </message>
</context>
<context>
    <name>MembershipDialog</name>
    <message>
        <location filename="../manager/money_dialogs.py" line="171"/>
        <source>%1: %2 for %3 months, fee %4</source>
        <translation>%1：%2，%3 个月，费用 %4</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="175"/>
        <source>Working out the period…</source>
        <translation>正在计算有效期…</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="179"/>
        <source>Take %1 and activate (Enter)</source>
        <translation>收款 %1 并开通 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="182"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="184"/>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="206"/>
        <source>From %1 to %2</source>
        <translation>有效期 %1 至 %2</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="209"/>
        <source>Renewal: paid until %1 now; extends it to %2</source>
        <translation>续费：当前有效至 %1，续费后延长至 %2</translation>
    </message>
</context>
<context>
    <name>NewMemberDialog</name>
    <message>
        <location filename="../manager/new_member.py" line="45"/>
        <source>New member</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="50"/>
        <source>Mobile number, e.g. 138 1234 5678</source>
        <translation>手机号，例如 138 1234 5678</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="56"/>
        <source>YYYY-MM-DD (optional)</source>
        <translation>年-月-日（选填）</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="59"/>
        <source>Referrer&apos;s phone (optional)</source>
        <translation>推荐人手机号（选填）</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="60"/>
        <source>Agrees to receive marketing messages</source>
        <translation>同意接收营销信息</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="61"/>
        <source>Issue a member card now</source>
        <translation>立即发放会员卡</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="67"/>
        <source>Register (Enter)</source>
        <translation>登记 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="70"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="73"/>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="74"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="75"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../manager/new_member.py" line="76"/>
        <source>Referred by</source>
        <translation>推荐人</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <location filename="../checkout/pay_dialog.py" line="43"/>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="56"/>
        <source>To pay: %1</source>
        <translation>应付：%1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="78"/>
        <source>Cash received (empty: exact amount)</source>
        <translation>实收现金（不填为正好）</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="91"/>
        <source>Confirm payment (Enter)</source>
        <translation>确认收款 (回车)</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="94"/>
        <source>Back to the sale (Esc)</source>
        <translation>返回 (Esc)</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="115"/>
        <source>Next customer (Enter)</source>
        <translation>下一位顾客 (回车)</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="154"/>
        <source>Stored value (%1) — balance %2</source>
        <translation>储值 (%1) — 余额 %2</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="157"/>
        <source>Not enough: short by %1</source>
        <translation>余额不足：还差 %1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="178"/>
        <source>Stored value after this sale: %1</source>
        <translation>本单支付后储值余额：%1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="200"/>
        <location filename="../checkout/pay_dialog.py" line="228"/>
        <source>Change due: %1</source>
        <translation>找零：%1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="202"/>
        <source>Short by %1</source>
        <translation>还差 %1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="218"/>
        <source>Saving the sale…</source>
        <translation>正在保存本单…</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="225"/>
        <source>Paid %1 by %2</source>
        <translation>已收款 %1（%2）</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="230"/>
        <source>Stored value left: %1</source>
        <translation>储值余额：%1</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <location filename="../manager/profile_dialogs.py" line="68"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
</context>
<context>
    <name>QuotePanel</name>
    <message>
        <location filename="../checkout/quote_panel.py" line="98"/>
        <source>Coupon (F3)</source>
        <translation>优惠券 (F3)</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="99"/>
        <source>or type / scan a coupon code</source>
        <translation>或输入/扫描券码</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="100"/>
        <source>Points (F4)</source>
        <translation>积分抵现 (F4)</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="101"/>
        <source>Use max</source>
        <translation>用最多</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="102"/>
        <source>To pay</source>
        <translation>应付</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="103"/>
        <source>Pay (F12)</source>
        <translation>收款 (F12)</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="145"/>
        <source>No coupon</source>
        <translation>不用优惠券</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="193"/>
        <source>Subtotal</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="201"/>
        <source>At most %1 points (%2)</source>
        <translation>最多可用 %1 分（%2）</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="205"/>
        <source>Offline: at most %1 points per member per day</source>
        <translation>离线中：每位会员每天最多抵用 %1 分</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="210"/>
        <source>Points to earn: +%1</source>
        <translation>本单积分：+%1</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="212"/>
        <source>monthly bonus +%1</source>
        <translation>月度满额奖励 +%1</translation>
    </message>
    <message>
        <location filename="../checkout/quote_panel.py" line="215"/>
        <source>No member: no points earned</source>
        <translation>非会员：不累积积分</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <location filename="../receipt_view.py" line="155"/>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <location filename="../receipt_view.py" line="160"/>
        <source>Receipt %1</source>
        <translation>小票 %1</translation>
    </message>
</context>
<context>
    <name>ReceiptView</name>
    <message>
        <location filename="../receipt_view.py" line="127"/>
        <source>Print (F9)</source>
        <translation>打印 (F9)</translation>
    </message>
    <message>
        <location filename="../receipt_view.py" line="140"/>
        <source>Printed: %1</source>
        <translation>已打印：%1</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../refund_dialog.py" line="39"/>
        <source>Refund</source>
        <translation>退货</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="43"/>
        <source>Receipt number, e.g. A1B2C3-000042</source>
        <translation>小票号，如 A1B2C3-000042</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="46"/>
        <source>Empty: the whole sale. Or lines, e.g. 1, 3:2</source>
        <translation>不填为整单退货；或填行号，如 1, 3:2</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="59"/>
        <source>Refund (Enter)</source>
        <translation>退货 (回车)</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="61"/>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="64"/>
        <source>Receipt</source>
        <translation>小票号</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="65"/>
        <source>Lines</source>
        <translation>退货行</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="66"/>
        <source>Manager id</source>
        <translation>店长工号</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="67"/>
        <source>Manager PIN</source>
        <translation>店长密码</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="96"/>
        <source>Checking the manager&apos;s PIN…</source>
        <translation>正在核对店长密码…</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="104"/>
        <source>Refunded %1 on %2</source>
        <translation>已退款 %1（小票 %2）</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="107"/>
        <source>Points taken back: %1; points given back: %2</source>
        <translation>扣回积分：%1；退还抵现积分：%2</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="110"/>
        <source>%1 of the points given back had expired meanwhile: they do not count</source>
        <translation>其中 %1 分退还的积分已过有效期，不再计入余额</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="113"/>
        <source>Points balance now: %1</source>
        <translation>当前积分余额：%1</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="115"/>
        <source>The balance is negative: the member had already spent these points</source>
        <translation>积分余额为负：会员已使用了这部分积分</translation>
    </message>
</context>
<context>
    <name>RegisterDialog</name>
    <message>
        <location filename="../checkout/register_dialog.py" line="19"/>
        <source>New member</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="24"/>
        <source>Mobile number, e.g. 138 1234 5678</source>
        <translation>手机号，如 138 1234 5678</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="27"/>
        <source>Optional</source>
        <translation>选填</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="31"/>
        <source>Register (Enter)</source>
        <translation>注册 (回车)</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="33"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="36"/>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="37"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../checkout/register_dialog.py" line="58"/>
        <source>Registering…</source>
        <translation>正在注册…</translation>
    </message>
</context>
<context>
    <name>ResetPinDialog</name>
    <message>
        <location filename="../manager/staff_tab.py" line="139"/>
        <source>Reset PIN</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="141"/>
        <source>New PIN for %1 (%2). The old PIN stops working at once, and a lock is lifted.</source>
        <translation>为 %1（%2）设置新密码。旧密码立即失效，账号锁定同时解除。</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="146"/>
        <source>4 to 12 digits</source>
        <translation>4-12 位数字</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="149"/>
        <source>Set the new PIN (Enter)</source>
        <translation>设置新密码 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="151"/>
        <source>New PIN</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="152"/>
        <source>PIN again</source>
        <translation>再次输入密码</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../manager/member_search.py" line="89"/>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="89"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="89"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="89"/>
        <source>Lifecycle</source>
        <translation>生命周期</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="89"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="90"/>
        <source>Registered</source>
        <translation>注册日期</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="90"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="106"/>
        <source>(no name)</source>
        <translation>（未留姓名）</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="115"/>
        <source>Blacklisted</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../manager/member_search.py" line="115"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <location filename="../manager/staff_tab.py" line="176"/>
        <source>Change role</source>
        <translation>更改角色</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="178"/>
        <source>Role of %1 (%2)</source>
        <translation>%1（%2）的角色</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="181"/>
        <source>Change role (Enter)</source>
        <translation>更改角色 (Enter)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="24"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="31"/>
        <source>Print the receipt after every sale</source>
        <translation>每单结算后自动打印小票</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="34"/>
        <source>Empty: save a PDF per receipt in the data folder</source>
        <translation>不填：每张小票保存为数据目录中的 PDF</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="36"/>
        <source>network:192.168.1.50 or file:/dev/usb/lp0 (empty: not used)</source>
        <translation>network:192.168.1.50 或 file:/dev/usb/lp0（留空：不使用）</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="40"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="42"/>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="43"/>
        <source>ESC/POS thermal printer</source>
        <translation>ESC/POS 热敏打印机</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="46"/>
        <source>Import product catalog (CSV: code,name,category,price)…</source>
        <translation>导入商品目录（CSV：编码,名称,品类,价格）…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="50"/>
        <source>Save and close</source>
        <translation>保存并关闭</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="69"/>
        <source>Product catalog</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="77"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="79"/>
        <source>Imported %1 products</source>
        <translation>已导入 %1 个商品</translation>
    </message>
</context>
<context>
    <name>SignInPanel</name>
    <message>
        <location filename="../signin.py" line="83"/>
        <source>Checkout</source>
        <translation>收银台</translation>
    </message>
    <message>
        <location filename="../signin.py" line="84"/>
        <source>Member checkout · sign in to start</source>
        <translation>会员收银 · 请登录</translation>
    </message>
    <message>
        <location filename="../signin.py" line="85"/>
        <source>Staff id</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../signin.py" line="86"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../signin.py" line="87"/>
        <source>e.g. c01</source>
        <translation>如 c01</translation>
    </message>
    <message>
        <location filename="../signin.py" line="88"/>
        <source>4 to 12 digits</source>
        <translation>4-12位数字</translation>
    </message>
    <message>
        <location filename="../signin.py" line="89"/>
        <source>Sign in (Enter)</source>
        <translation>登录 (回车)</translation>
    </message>
    <message>
        <location filename="../signin.py" line="90"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../signin.py" line="116"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../manager/staff_tab.py" line="47"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="64"/>
        <source>The two PINs are not the same</source>
        <translation>两次输入的密码不一致</translation>
    </message>
</context>
<context>
    <name>StaffTab</name>
    <message>
        <location filename="../manager/staff_tab.py" line="290"/>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="293"/>
        <source>Locked until %1 (a PIN reset unlocks)</source>
        <translation>锁定至 %1（重置密码可解锁）</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="294"/>
        <source>Active</source>
        <translation>在职</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="314"/>
        <source>Reactivate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="314"/>
        <location filename="../manager/staff_tab.py" line="356"/>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="357"/>
        <source>Deactivate %1 (%2)? They can no longer sign in; their history stays.</source>
        <translation>停用 %1（%2）？停用后无法登录，历史记录保留。</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="364"/>
        <source>Staff id</source>
        <translation>员工号</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="364"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="364"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="365"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="366"/>
        <source>Add staff…</source>
        <translation>添加员工…</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="367"/>
        <source>Reset PIN…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="368"/>
        <source>Change role…</source>
        <translation>更改角色…</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="369"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="371"/>
        <source>An administrator manages everyone. The last administrator cannot be deactivated or demoted.</source>
        <translation>管理员可管理所有员工。最后一位管理员不能被停用或降级。</translation>
    </message>
    <message>
        <location filename="../manager/staff_tab.py" line="374"/>
        <source>A manager manages cashiers; managers and administrators are managed by an administrator.</source>
        <translation>店长可管理收银员；店长和管理员由管理员管理。</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../status_bar.py" line="68"/>
        <source>Sync status unknown</source>
        <translation>同步状态未知</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="80"/>
        <source>● Standalone (no head office)</source>
        <translation>● 单机（未连接总部）</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="83"/>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="86"/>
        <source>● Offline: sales are kept and sent later</source>
        <translation>● 离线：销售已保存，联网后上传</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="96"/>
        <source>Events waiting: %1</source>
        <translation>待上传：%1 条</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="100"/>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
</context>
<context>
    <name>TopUpDialog</name>
    <message>
        <location filename="../manager/money_dialogs.py" line="39"/>
        <source>Stored value top-up</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="49"/>
        <source>Top-up bonus: %1</source>
        <translation>充值赠送：%1</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="52"/>
        <source>Amount paid, e.g. 500</source>
        <translation>实收金额，例如 500</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="59"/>
        <source>Take the money and top up (Enter)</source>
        <translation>收款并充值 (Enter)</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="61"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="63"/>
        <source>Amount paid</source>
        <translation>实收金额</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="64"/>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="99"/>
        <source>Stored value now: %1</source>
        <translation>当前储值余额：%1</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="115"/>
        <source>Bonus %1 · credited %2</source>
        <translation>赠送 %1 · 到账 %2</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="118"/>
        <source>balance after %1</source>
        <translation>充值后余额 %1</translation>
    </message>
    <message>
        <location filename="../manager/money_dialogs.py" line="122"/>
        <source>Top up %1 to get a bonus of %2</source>
        <translation>充值满 %1 可获赠 %2</translation>
    </message>
</context>
</TS>
