"""The course's anywidgets. Each class sits beside its own .js and .css file."""
from .blood_supply import BloodSupply

__all__ = ["BloodSupply"]
