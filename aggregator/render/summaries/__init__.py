"""The summary workbooks of each round (tong-hop-<form>-<period>.xlsx)."""
