"""The model joined with levels (and resolved parameters), for Ansible, nornir and pyinfra."""
