-- The median active partner of each profile.
SELECT profile, median(CAST(revenue_t12m AS DOUBLE)), median(months_active_t12m),
       median(share_of_wallet)
FROM {{.Table "partner_scores"}} WHERE revenue_t12m > 0 GROUP BY profile
