CREATE VIEW promo_draw.notification AS
SELECT * FROM promo_draw_proxy.notification_rows(NULL);
COMMENT ON VIEW promo_draw.notification IS 'the customer messages of every node';
