"""Password hashing: Argon2id with OWASP's profile (m = 19 MiB, t = 2, p = 1).

Django's default Argon2 profile takes 100 MiB per hash; every sign-in then lifted a web
worker's peak memory by that much (measured: 109 → 215 MB on sign-in), which decides how
many workers a server can run. The OWASP Password Storage Cheat Sheet lists m = 19 MiB,
t = 2, p = 1 as a recommended Argon2id configuration. Hashes made with other parameters
still verify and are rehashed at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
