from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("budgets/new/", views.BudgetCreateView.as_view(), name="budget_new"),
    path("budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget"),
    path("budgets/<int:pk>/lines/", views.BudgetLinesView.as_view(), name="budget_lines"),
    path("budgets/<int:pk>/template/", views.BudgetTemplateView.as_view(), name="budget_template"),
    path("budgets/<int:pk>/import/", views.BudgetImportView.as_view(), name="budget_import"),
    path("budgets/<int:pk>/approve/", views.BudgetApproveView.as_view(), name="budget_approve"),
    path("budgets/<int:pk>/adjustments/new/", views.AdjustmentCreateView.as_view(), name="adjustment_new"),
    path("adjustments/<int:pk>/approve/", views.AdjustmentApproveView.as_view(), name="adjustment_approve"),
    path("adjustments/<int:pk>/delete/", views.AdjustmentDeleteView.as_view(), name="adjustment_delete"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/export/", views.LedgerExportView.as_view(), name="ledger_export"),
    path("ledger/new/", views.PostingCreateView.as_view(), name="posting_new"),
    path("ledger/<int:pk>/", views.PostingDetailView.as_view(), name="posting"),
    path("ledger/<int:pk>/attachment/", views.PostingAttachmentView.as_view(), name="posting_attachment"),
    path("ledger/<int:pk>/reverse/", views.PostingReverseView.as_view(), name="posting_reverse"),
    path("execution/", views.ExecutionView.as_view(), name="execution"),
    path("execution/export/", views.ExecutionExportView.as_view(), name="execution_export"),
    path("statement/", views.StatementView.as_view(), name="statement"),
    path("statement/export/", views.StatementExportView.as_view(), name="statement_export"),
    path("dues/", views.DuesView.as_view(), name="dues"),
    path("dues/units/<int:pk>/", views.DuesUnitView.as_view(), name="dues_unit"),
    path("dues/import/", views.DuesImportView.as_view(), name="dues_import"),
    path("dues/wage-bases/", views.WageBaseImportView.as_view(), name="wage_base_import"),
    path("dues/mine/", views.MyDuesView.as_view(), name="my_dues"),
    path("allocations/new/", views.AllocationCreateView.as_view(), name="allocation_new"),
]
