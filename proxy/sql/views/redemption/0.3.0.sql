CREATE VIEW promo_draw.redemption AS
SELECT * FROM promo_draw_proxy.redemption_rows();
COMMENT ON VIEW promo_draw.redemption IS 'the redemptions of every node';
