<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
    <name>Counts</name>
    <message numerus="yes">
        <location filename="../labels.py" line="131"/>
        <source>%n point(s)</source>
        <translation>
            <numerusform>%n 分</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../labels.py" line="134"/>
        <source>%n min ago</source>
        <translation>
            <numerusform>%n 分钟前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../labels.py" line="137"/>
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n 小时前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../labels.py" line="140"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../errors.py" line="29"/>
        <source>No product with code %1</source>
        <translation>没有编码为 %1 的商品</translation>
    </message>
    <message>
        <location filename="../errors.py" line="30"/>
        <source>Cash received is less than the amount due (%1)</source>
        <translation>实收现金少于应付金额（%1）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="31"/>
        <source>A refund needs a manager&apos;s approval</source>
        <translation>退货需要店长授权</translation>
    </message>
    <message>
        <location filename="../errors.py" line="32"/>
        <source>The manager&apos;s station is for managers and admins; ask a manager to sign in</source>
        <translation>店长工作台仅限店长和管理员使用，请店长登录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="34"/>
        <source>The checkout is already open on this computer</source>
        <translation>收银程序已在本机运行</translation>
    </message>
    <message>
        <location filename="../errors.py" line="35"/>
        <source>The receipt printer %1 cannot be reached; the sale is saved, print it again later</source>
        <translation>无法连接小票打印机 %1；本单已保存，可稍后补打</translation>
    </message>
    <message>
        <location filename="../errors.py" line="37"/>
        <source>This terminal is not set up yet: run &apos;pos-terminal init&apos; first</source>
        <translation>终端尚未初始化，请先运行 pos-terminal init</translation>
    </message>
    <message>
        <location filename="../errors.py" line="54"/>
        <source>Sorry, something went wrong (reference %1). The details are in the log.</source>
        <translation>抱歉，出现内部错误（参考号 %1），详情已记录在日志中</translation>
    </message>
    <message>
        <location filename="../errors.py" line="61"/>
        <source>Cannot do that</source>
        <translation>无法完成</translation>
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
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../labels.py" line="45"/>
        <source>New</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../labels.py" line="46"/>
        <source>Active</source>
        <translation>活跃</translation>
    </message>
    <message>
        <location filename="../labels.py" line="47"/>
        <source>Dormant</source>
        <translation>沉睡</translation>
    </message>
    <message>
        <location filename="../labels.py" line="48"/>
        <source>Lapsed</source>
        <translation>流失</translation>
    </message>
    <message>
        <location filename="../labels.py" line="55"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location filename="../labels.py" line="56"/>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location filename="../labels.py" line="57"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../labels.py" line="105"/>
        <source>%1 (to %2)</source>
        <translation>%1（至 %2）</translation>
    </message>
    <message>
        <location filename="../labels.py" line="123"/>
        <source>Spend %1 more to reach %2</source>
        <translation>再消费%1升级为%2</translation>
    </message>
    <message>
        <location filename="../labels.py" line="160"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../labels.py" line="163"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="145"/>
        <source>Sign out and clear the sale in progress?</source>
        <translation>退出登录并清空正在进行的这一单？</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="164"/>
        <source>Clear this sale? The items and the member are removed.</source>
        <translation>清空本单？商品和会员都将移除。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="167"/>
        <source>Please confirm</source>
        <translation>请确认</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="279"/>
        <source>Member checkout</source>
        <translation>会员收银</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="283"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>ManagerStation</name>
    <message>
        <location filename="../manager/station.py" line="50"/>
        <source>Manager&apos;s station — %1</source>
        <translation>店长工作台 — %1</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="51"/>
        <source>Back to checkout (Esc)</source>
        <translation>返回收银 (Esc)</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="52"/>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="52"/>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../manager/station.py" line="52"/>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../checkout/member_panel.py" line="71"/>
        <source>Phone, last 4 or scan the card</source>
        <translation>手机号、手机尾号后4位，或扫描会员卡</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="72"/>
        <source>Find member (F1)</source>
        <translation>查会员 (F1)</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="73"/>
        <source>New member (F6)</source>
        <translation>新会员 (F6)</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="74"/>
        <source>No member</source>
        <translation>非会员</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="101"/>
        <source>No member: a sale without a member earns no points</source>
        <translation>非会员：本单不累积积分</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="110"/>
        <source>(no name)</source>
        <translation>（未留姓名）</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="115"/>
        <source>Tier at risk</source>
        <translation>保级风险</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="117"/>
        <source>High-value member</source>
        <translation>高价值会员</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="119"/>
        <source>Blacklisted</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="121"/>
        <source>Points balance: %1</source>
        <translation>积分余额：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="124"/>
        <source>%1 on %2</source>
        <translation>%2 过期 %1 分</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="126"/>
        <source>Expiring within 30 days: %1</source>
        <translation>30天内过期：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="133"/>
        <source>Coupons: %1</source>
        <translation>可用优惠券：%1</translation>
    </message>
    <message>
        <location filename="../checkout/member_panel.py" line="135"/>
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
    <name>PayDialog</name>
    <message>
        <location filename="../checkout/pay_dialog.py" line="30"/>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="40"/>
        <source>To pay: %1</source>
        <translation>应付：%1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="57"/>
        <source>Cash received (empty: exact amount)</source>
        <translation>实收现金（不填为正好）</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="66"/>
        <source>Confirm payment (Enter)</source>
        <translation>确认收款 (回车)</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="69"/>
        <source>Back to the sale (Esc)</source>
        <translation>返回 (Esc)</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="89"/>
        <source>Next customer (Enter)</source>
        <translation>下一位顾客 (回车)</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="149"/>
        <location filename="../checkout/pay_dialog.py" line="177"/>
        <source>Change due: %1</source>
        <translation>找零：%1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="151"/>
        <source>Short by %1</source>
        <translation>还差 %1</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="167"/>
        <source>Saving the sale…</source>
        <translation>正在保存本单…</translation>
    </message>
    <message>
        <location filename="../checkout/pay_dialog.py" line="174"/>
        <source>Paid %1 by %2</source>
        <translation>已收款 %1（%2）</translation>
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
        <source>Points balance now: %1</source>
        <translation>当前积分余额：%1</translation>
    </message>
    <message>
        <location filename="../refund_dialog.py" line="112"/>
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
</TS>
