package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
// A re-dispatch names the agent it dispatches; automatic dispatch has no name to give.
@ValidationRule(
    value =
        "!has(self.redispatch) || !has(self.redispatch.enabled) || !self.redispatch.enabled"
            + " || (has(self.agentName) && self.agentName != '')",
    message = "redispatch.enabled needs spec.agentName: automatic dispatch cannot be re-dispatched")
public class AgentDeploymentSpec {

  public static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
  public static final int DEFAULT_REVISION_HISTORY_LIMIT = 10;

  /** LiveKit accepts any printable name; we keep to what is safe in env vars, labels and URLs. */
  public static final String AGENT_NAME_PATTERN =
      "^$|^[A-Za-z0-9]([A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$";

  @JsonPropertyDescription(
      "LiveKit agent_name the workers register under; empty means automatic dispatch. Letters,"
          + " digits, '.', '_' and '-', starting and ending with a letter or digit, at most 128"
          + " characters.")
  @Pattern(AGENT_NAME_PATTERN)
  private String agentName = "";

  @JsonPropertyDescription("Where the workers connect and with which credentials.")
  @Required
  private LiveKitConnection livekit;

  @JsonPropertyDescription(
      "Pod template of the worker. The operator adds LIVEKIT_* environment variables, probes and"
          + " the termination grace period unless the template sets them.")
  @Required
  @SchemaFrom(type = WorkerPodTemplateSchema.class)
  private PodTemplateSpec template;

  @JsonPropertyDescription("How the operator reads each worker's status endpoint.")
  private WorkerStatusEndpoint workerStatus = new WorkerStatusEndpoint();

  @JsonPropertyDescription("Number of workers wanted. Exposed through the scale subresource.")
  @SpecReplicas
  @Min(0)
  @Default("1")
  private Integer replicas = 1;

  @JsonPropertyDescription(
      "Automatic scaling on the workers' LiveKit load reports. When enabled, the operator owns"
          + " spec.replicas.")
  private Autoscaling autoscaling;

  @JsonPropertyDescription("How long a removed worker may keep serving its calls.")
  private Drain drain = new Drain();

  @JsonPropertyDescription("Protection of workers with calls from evictions (node drains).")
  private DisruptionBudget disruptionBudget = new DisruptionBudget();

  @JsonPropertyDescription("How a new template replaces the running workers.")
  private Strategy strategy;

  @JsonPropertyDescription(
      "Seconds a rollout may go without progress before it is marked failed"
          + " (Progressing=False, ProgressDeadlineExceeded).")
  @Min(1)
  @Default("600")
  private Integer progressDeadlineSeconds = DEFAULT_PROGRESS_DEADLINE_SECONDS;

  @JsonPropertyDescription("Automatic rollback of a failing new revision.")
  private Rollback rollback;

  @JsonPropertyDescription(
      "Re-dispatch of calls whose worker died (OOM kill, crash, node loss): off by default.")
  private Redispatch redispatch;

  @JsonPropertyDescription("How many old revisions to keep for rollback.")
  @Min(0)
  @Max(1000)
  @Default("10")
  private Integer revisionHistoryLimit = DEFAULT_REVISION_HISTORY_LIMIT;

  @JsonPropertyDescription(
      "Stops the operator from creating or removing pods; status is still kept current.")
  @Default("false")
  private Boolean paused = false;

  public String getAgentName() {
    return agentName;
  }

  public void setAgentName(String agentName) {
    this.agentName = agentName;
  }

  public LiveKitConnection getLivekit() {
    return livekit;
  }

  public void setLivekit(LiveKitConnection livekit) {
    this.livekit = livekit;
  }

  public PodTemplateSpec getTemplate() {
    return template;
  }

  public void setTemplate(PodTemplateSpec template) {
    this.template = template;
  }

  public WorkerStatusEndpoint getWorkerStatus() {
    return workerStatus;
  }

  public void setWorkerStatus(WorkerStatusEndpoint workerStatus) {
    this.workerStatus = workerStatus;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Autoscaling getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(Autoscaling autoscaling) {
    this.autoscaling = autoscaling;
  }

  /** True when the autoscaler, not the user, sets spec.replicas. */
  public boolean autoscaled() {
    return autoscaling != null && Boolean.TRUE.equals(autoscaling.getEnabled());
  }

  public Drain getDrain() {
    return drain;
  }

  public void setDrain(Drain drain) {
    this.drain = drain;
  }

  public DisruptionBudget getDisruptionBudget() {
    return disruptionBudget;
  }

  public void setDisruptionBudget(DisruptionBudget disruptionBudget) {
    this.disruptionBudget = disruptionBudget;
  }

  /** spec.disruptionBudget.enabled, on unless turned off. */
  public boolean disruptionBudgetEnabled() {
    return disruptionBudget == null || !Boolean.FALSE.equals(disruptionBudget.getEnabled());
  }

  public Strategy getStrategy() {
    return strategy;
  }

  public void setStrategy(Strategy strategy) {
    this.strategy = strategy;
  }

  public Integer getProgressDeadlineSeconds() {
    return progressDeadlineSeconds;
  }

  public void setProgressDeadlineSeconds(Integer progressDeadlineSeconds) {
    this.progressDeadlineSeconds = progressDeadlineSeconds;
  }

  public Rollback getRollback() {
    return rollback;
  }

  public void setRollback(Rollback rollback) {
    this.rollback = rollback;
  }

  public Redispatch getRedispatch() {
    return redispatch;
  }

  public void setRedispatch(Redispatch redispatch) {
    this.redispatch = redispatch;
  }

  /** spec.redispatch.enabled, off unless turned on. */
  public boolean redispatchEnabled() {
    return redispatch != null && Boolean.TRUE.equals(redispatch.getEnabled());
  }

  /** spec.redispatch.maxAttempts, or its default. */
  public int redispatchMaxAttempts() {
    return redispatch == null || redispatch.getMaxAttempts() == null
        ? Redispatch.DEFAULT_MAX_ATTEMPTS
        : redispatch.getMaxAttempts();
  }

  public Integer getRevisionHistoryLimit() {
    return revisionHistoryLimit;
  }

  public void setRevisionHistoryLimit(Integer revisionHistoryLimit) {
    this.revisionHistoryLimit = revisionHistoryLimit;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  // The defaults resolved in one place: an object built in code (or read from an older CRD) may
  // hold nulls where the API server would have filled in the schema's defaults. The names are not
  // bean getters, so neither Jackson nor the CRD generator sees them.

  /** spec.drain.timeoutSeconds, or its default. */
  public int drainTimeoutSeconds() {
    return drain == null || drain.getTimeoutSeconds() == null
        ? Drain.DEFAULT_TIMEOUT_SECONDS
        : drain.getTimeoutSeconds();
  }

  /** spec.workerStatus.port, or its default. */
  public int workerStatusPort() {
    return workerStatus == null || workerStatus.getPort() == null
        ? WorkerStatusEndpoint.DEFAULT_PORT
        : workerStatus.getPort();
  }

  /** spec.workerStatus.format, or its default. */
  public WorkerStatusFormat workerStatusFormat() {
    return workerStatus == null || workerStatus.getFormat() == null
        ? WorkerStatusEndpoint.DEFAULT_FORMAT
        : workerStatus.getFormat();
  }

  /** spec.progressDeadlineSeconds, or its default. */
  public int progressDeadline() {
    return progressDeadlineSeconds == null
        ? DEFAULT_PROGRESS_DEADLINE_SECONDS
        : progressDeadlineSeconds;
  }

  /** spec.revisionHistoryLimit, or its default. */
  public int historyLimit() {
    return revisionHistoryLimit == null ? DEFAULT_REVISION_HISTORY_LIMIT : revisionHistoryLimit;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentDeploymentSpec s
        && Objects.equals(agentName, s.agentName)
        && Objects.equals(livekit, s.livekit)
        && Objects.equals(template, s.template)
        && Objects.equals(workerStatus, s.workerStatus)
        && Objects.equals(replicas, s.replicas)
        && Objects.equals(autoscaling, s.autoscaling)
        && Objects.equals(drain, s.drain)
        && Objects.equals(disruptionBudget, s.disruptionBudget)
        && Objects.equals(strategy, s.strategy)
        && Objects.equals(progressDeadlineSeconds, s.progressDeadlineSeconds)
        && Objects.equals(rollback, s.rollback)
        && Objects.equals(redispatch, s.redispatch)
        && Objects.equals(revisionHistoryLimit, s.revisionHistoryLimit)
        && Objects.equals(paused, s.paused);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        agentName,
        livekit,
        template,
        workerStatus,
        replicas,
        autoscaling,
        drain,
        disruptionBudget,
        strategy,
        progressDeadlineSeconds,
        rollback,
        redispatch,
        revisionHistoryLimit,
        paused);
  }
}
