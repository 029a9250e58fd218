"""Video-conference endpoints: provisioning files from the inventory, probes and checks.

- :mod:`capdo.endpoints.config`: the vendor-neutral settings of one endpoint;
- :mod:`capdo.endpoints.intended`: those settings derived from the estate at its level;
- :mod:`capdo.endpoints.vendors`: Yealink ``.cfg`` and Poly XML, both ways (render, parse);
- :mod:`capdo.endpoints.render`: the provisioning tree (per-MAC files, mode 0600);
- :mod:`capdo.endpoints.secrets`: the endpoint admin credential (resolved by :mod:`capdo.secrets`);
- :mod:`capdo.endpoints.policy`: minimum firmware per model (estate policy);
- :mod:`capdo.endpoints.sip`, :mod:`capdo.endpoints.snmp`, :mod:`capdo.endpoints.net`: wire
  formats and asyncio probes (SIP OPTIONS over UDP/TCP/TLS, TLS facts, HTTP, SNMP, ports);
- :mod:`capdo.endpoints.probe`: where to probe and all probes of one endpoint, with a limit;
- :mod:`capdo.endpoints.checks`: probe facts → result records per requirement id;
- :mod:`capdo.endpoints.runner`: one check run over an estate.
"""
