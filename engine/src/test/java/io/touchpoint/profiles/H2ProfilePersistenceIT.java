package io.touchpoint.profiles;

/** The profile persistence contract on H2 (the default database). */
class H2ProfilePersistenceIT extends ProfilePersistenceContract {
}
