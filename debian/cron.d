# envctl's maintenance from cron: uncomment the two jobs to use it (or enable
# the systemd timers envctl-cleanup.timer and envctl-reset-db.timer instead,
# not both). Both never ask, back the database up first, and take the
# maintenance lock (exit 5 when another run holds it). See man envctl.
# Each job names the package's data directory and config (/etc/envctl).
#
# Daily at 2 AM: remove environments by the retention policy in [cleanup].
# 0 2 * * *   envctl  env ENVCTL_DATA_DIR=/var/lib/envctl XDG_CONFIG_HOME=/etc /usr/bin/envctl auto-cleanup --lock-timeout 10m
#
# Sundays at 3 AM: rebuild the database from what Docker really runs.
# 0 3 * * 0   envctl  env ENVCTL_DATA_DIR=/var/lib/envctl XDG_CONFIG_HOME=/etc /usr/bin/envctl auto-reset-db --lock-timeout 10m
#
# Every 5 minutes, where no `envctl serve` runs: refill the warm pools.
# */5 * * * * envctl  env ENVCTL_DATA_DIR=/var/lib/envctl XDG_CONFIG_HOME=/etc /usr/bin/envctl pool reconcile --no-wait
