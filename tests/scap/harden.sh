#!/bin/sh
# Direct hardening of the settings behind the SSG rules the lab tests check (what the
# capdo roles enforce): an admin account with sudo replaces root over SSH, password quality
# (pam_pwquality) and an idle shell timeout. Run as root on a lab host.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends libpam-pwquality >/dev/null
id capdoadm >/dev/null 2>&1 || useradd -m -s /bin/bash capdoadm
install -d -m 700 -o capdoadm -g capdoadm /home/capdoadm/.ssh
install -m 600 -o capdoadm -g capdoadm /root/.ssh/authorized_keys /home/capdoadm/.ssh/authorized_keys
echo 'capdoadm ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/capdoadm
chmod 440 /etc/sudoers.d/capdoadm
usermod -p '*' capdoadm
cat > /etc/security/pwquality.conf <<'CONF'
minlen = 15
minclass = 4
dcredit = -1
ucredit = -1
lcredit = -1
ocredit = -1
CONF
printf 'typeset -xr TMOUT=600\n' > /etc/profile.d/tmout.sh
# SSG 0.1.76 reads PermitRootLogin from /etc/ssh/sshd_config only, not from sshd_config.d.
sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/sshd_config
grep -q '^PermitRootLogin no' /etc/ssh/sshd_config || echo 'PermitRootLogin no' >> /etc/ssh/sshd_config
printf 'PermitRootLogin no\n' > /etc/ssh/sshd_config.d/00-capdo.conf
sshd -t
service ssh restart >/dev/null
