from aggregator.demo.province import DEMO_AS_OF, MARKER, DemoPlan, NotADemoWorkspace, prepare_demo

__all__ = ["DEMO_AS_OF", "MARKER", "DemoPlan", "NotADemoWorkspace", "prepare_demo"]
