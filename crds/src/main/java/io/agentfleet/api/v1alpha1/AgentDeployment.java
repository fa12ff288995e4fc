package io.agentfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A fleet of LiveKit agent workers: one pod template, scaled and rolled out by the Agentfleet
 * operator, never dropping a live call.
 */
@Group(AgentDeployment.GROUP)
@Version(AgentDeployment.VERSION)
@Plural("agentdeployments")
@Singular("agentdeployment")
@ShortNames({"agentdeploy", "agd"})
@AdditionalPrinterColumn(
    name = "DESIRED",
    jsonPath = ".status.desiredReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "CALLS",
    jsonPath = ".status.activeJobs",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "LOAD",
    jsonPath = ".status.load",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "REVISION",
    jsonPath = ".status.updateRevision",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// The API server already requires a DNS subdomain (up to 253 characters); the operator also puts
// the name in a label of every worker pod, and label values stop at 63.
@ValidationRule(
    value = "self.metadata.name.size() <= " + AgentDeployment.MAX_NAME_LENGTH,
    message =
        "metadata.name must be at most 63 characters: every worker pod carries it as the value of"
            + " the agentfleet.io/deployment label, and label values are limited to 63")
public class AgentDeployment extends CustomResource<AgentDeploymentSpec, AgentDeploymentStatus>
    implements Namespaced {

  public static final String GROUP = "agentfleet.io";
  public static final String VERSION = "v1alpha1";
  public static final int MAX_NAME_LENGTH = 63;

  /** Declared here only so that the schema requires it: a spec-less object means nothing. */
  @Override
  @Required
  public AgentDeploymentSpec getSpec() {
    return super.getSpec();
  }

  @Override
  protected AgentDeploymentStatus initStatus() {
    return new AgentDeploymentStatus();
  }
}
