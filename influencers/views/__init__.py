from .workspace_switch import workspace_switch

__all__ = ["workspace_switch"]
