/**
 * The HTTP front: embedded Jetty 12 with the limits a hostile or careless client meets (timeouts,
 * connection, header and body limits), TLS, and the v4 envelope for every answer Jetty gives on its
 * own. The API itself is the Jersey application of {@code dev.stepflow.http}, mounted here.
 */
package dev.stepflow.web;
