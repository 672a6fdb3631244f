resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${var.service_name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
  tags               = var.tags
}

# Target tracking on backlog per task, the metric AWS recommends for queue workers: queue depth
# alone says nothing about whether the running tasks keep up, queue depth per task does.
resource "aws_appautoscaling_policy" "this" {
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
      metrics {
        id          = "visible"
        label       = "Messages waiting in ${var.queue_name}"
        return_data = false

        metric_stat {
          stat = "Sum"

          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"

            dimensions {
              name  = "QueueName"
              value = var.queue_name
            }
          }
        }
      }

      # Container Insights' task count (the cluster module enables it); min_capacity >= 1 keeps
      # the divisor above zero.
      metrics {
        id          = "tasks"
        label       = "Running tasks of ${var.service_name}"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"

            dimensions {
              name  = "ClusterName"
              value = var.cluster_name
            }

            dimensions {
              name  = "ServiceName"
              value = var.service_name
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_task"
        label       = "Messages waiting per running task"
        expression  = "visible / tasks"
        return_data = true
      }
    }
  }
}
