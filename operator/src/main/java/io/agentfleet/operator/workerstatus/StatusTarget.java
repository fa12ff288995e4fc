package io.agentfleet.operator.workerstatus;

import io.agentfleet.api.v1alpha1.WorkerStatusFormat;
import java.net.URI;

/** One pod's status endpoint to poll. */
public record StatusTarget(String podUid, String podName, URI url, WorkerStatusFormat format) {}
