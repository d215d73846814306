"""Open311 GeoReport v2: the standard other civic apps and partner systems speak.

Public reads (discovery, services, service definitions, public requests) and
report intake by registered partner applications holding an api_key. Every
submission goes through the same intake command as the web form.
"""
