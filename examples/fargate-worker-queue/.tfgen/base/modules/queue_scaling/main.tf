locals {
  resource_id = "service/${var.cluster_name}/${var.service_name}"

  # The two metrics divided into backlog per task, for the target tracking policy and the alarms.
  visible_messages = {
    namespace  = "AWS/SQS"
    name       = "ApproximateNumberOfMessagesVisible"
    stat       = "Sum"
    dimensions = { QueueName = var.queue_name }
  }
  # Container Insights' task count (the cluster module enables it); min_capacity >= 1 keeps the
  # divisor above zero.
  running_tasks = {
    namespace  = "ECS/ContainerInsights"
    name       = "RunningTaskCount"
    stat       = "Average"
    dimensions = { ClusterName = var.cluster_name, ServiceName = var.service_name }
  }
  backlog_expression = "visible / tasks"
  metrics            = { visible = local.visible_messages, tasks = local.running_tasks }

  target_tracking = var.policy_type == "target_tracking"
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = local.resource_id
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
  tags               = var.tags
}

# Target tracking on backlog per task, the metric AWS recommends for queue workers: queue depth
# alone says nothing about whether the running tasks keep up, queue depth per task does.
resource "aws_appautoscaling_policy" "this" {
  count = local.target_tracking ? 1 : 0

  name               = "${var.service_name}-sqs-backlog-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.backlog_per_task_target
    scale_out_cooldown = var.scale_out_cooldown
    scale_in_cooldown  = var.scale_in_cooldown

    customized_metric_specification {
      dynamic "metrics" {
        for_each = local.metrics

        content {
          id          = metrics.key
          return_data = false

          metric_stat {
            stat = metrics.value.stat

            metric {
              namespace   = metrics.value.namespace
              metric_name = metrics.value.name

              dynamic "dimensions" {
                for_each = metrics.value.dimensions

                content {
                  name  = dimensions.key
                  value = dimensions.value
                }
              }
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_task"
        label       = "Messages waiting per running task"
        expression  = local.backlog_expression
        return_data = true
      }
    }
  }
}

################################################################################
# Step scaling: alarms above and below the target move the task count in steps
################################################################################

locals {
  # Step bounds are offsets from the alarm threshold (the target): up to twice the target adds
  # one task, up to four times adds two, beyond that four.
  scale_out_steps = [
    { lower = 0, upper = var.backlog_per_task_target, adjustment = 1 },
    { lower = var.backlog_per_task_target, upper = 3 * var.backlog_per_task_target, adjustment = 2 },
    { lower = 3 * var.backlog_per_task_target, upper = null, adjustment = 4 },
  ]
  step_policies = local.target_tracking ? {} : {
    out = { cooldown = var.scale_out_cooldown, steps = local.scale_out_steps }
    in  = { cooldown = var.scale_in_cooldown, steps = [{ lower = null, upper = 0, adjustment = -1 }] }
  }
  step_alarms = local.target_tracking ? {} : {
    out = { operator = "GreaterThanThreshold", periods = 1, verb = "above" }
    in  = { operator = "LessThanThreshold", periods = var.scale_in_evaluation_minutes, verb = "below" }
  }
}

resource "aws_appautoscaling_policy" "step" {
  for_each = local.step_policies

  name               = "${var.service_name}-sqs-backlog-scale-${each.key}"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    metric_aggregation_type = "Average"
    cooldown                = each.value.cooldown

    dynamic "step_adjustment" {
      for_each = each.value.steps

      content {
        metric_interval_lower_bound = step_adjustment.value.lower == null ? null : tostring(step_adjustment.value.lower)
        metric_interval_upper_bound = step_adjustment.value.upper == null ? null : tostring(step_adjustment.value.upper)
        scaling_adjustment          = step_adjustment.value.adjustment
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "step" {
  for_each = local.step_alarms

  alarm_name          = "${var.service_name}-sqs-backlog-per-task-${each.value.verb}-target"
  alarm_description   = "Backlog per running task of ${var.service_name} ${each.value.verb} ${var.backlog_per_task_target}: scale ${each.key}"
  comparison_operator = each.value.operator
  threshold           = var.backlog_per_task_target
  evaluation_periods  = each.value.periods
  # An idle queue may publish no data point; that is no reason to scale either way.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_appautoscaling_policy.step[each.key].arn]

  dynamic "metric_query" {
    for_each = local.metrics

    content {
      id          = metric_query.key
      return_data = false

      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.name
        stat        = metric_query.value.stat
        period      = 60
        dimensions  = metric_query.value.dimensions
      }
    }
  }

  metric_query {
    id          = "backlog_per_task"
    label       = "Messages waiting per running task"
    expression  = local.backlog_expression
    return_data = true
  }

  tags = var.tags
}
