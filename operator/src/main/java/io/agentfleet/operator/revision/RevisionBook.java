package io.agentfleet.operator.revision;

/**
 * The update revision after bookkeeping, and whether its template was rolled back before (then it
 * is not rolled out again).
 */
public record RevisionBook(Revision update, boolean blocked) {}
